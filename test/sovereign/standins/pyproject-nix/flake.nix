# Stand-in for pyproject.nix (see ../README.md): a package scope whose mkVirtualEnv records the
# closure of the requested dependencies over the packages the overlays put in the scope.
{
  outputs =
    { self }:
    let
      mkScope =
        attrs:
        attrs
        // {
          overrideScope =
            overlay:
            let
              final = attrs // overlay final attrs;
            in
            mkScope final;
          mkVirtualEnv =
            name: deps:
            let
              closure = builtins.genericClosure {
                startSet = map (key: { inherit key; }) (builtins.attrNames deps);
                operator = item: map (key: { inherit key; }) attrs.${item.key}.dependencies;
              };
              package = key: attrs.${key};
            in
            {
              standIn = "mkVirtualEnv";
              inherit name;
              outPath = "/nix/store/" + builtins.substring 0 32 (builtins.hashString "sha256" "venv:${name}") + "-" + name;
              python = attrs.python.name;
              buildSystems = attrs.buildSystems or null;
              requested = deps;
              packages = map (item: {
                name = item.key;
                inherit (package item.key) version sourcePreference wheels;
              }) closure;
            };
        };
    in
    {
      build.packages = { python }: mkScope { inherit python; };
    };
}
