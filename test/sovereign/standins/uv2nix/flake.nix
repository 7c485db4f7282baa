# Stand-in for uv2nix (see ../README.md): loads the workspace's uv.lock and exposes what it read.
{
  outputs =
    { self }:
    {
      lib.workspace.loadWorkspace =
        { workspaceRoot }:
        let
          lock = builtins.fromTOML (builtins.readFile (workspaceRoot + "/uv.lock"));
          pyproject = builtins.fromTOML (builtins.readFile (workspaceRoot + "/pyproject.toml"));
          members = lock.manifest.members or [ ];
        in
        {
          loaded = {
            root = baseNameOf workspaceRoot;
            inherit members;
            workspaceMembers = pyproject.tool.uv.workspace.members;
          };
          # As uv2nix: every member with no extras.
          deps.default = builtins.listToAttrs (map (name: { inherit name; value = [ ]; }) members);
          mkPyprojectOverlay =
            { sourcePreference }:
            final: prev:
            builtins.listToAttrs (
              map (p: {
                name = p.name;
                value = {
                  standIn = "python-package";
                  inherit (p) name;
                  version = p.version or null;
                  inherit sourcePreference;
                  source = p.source;
                  wheels = builtins.length (p.wheels or [ ]);
                  dependencies = map (d: d.name) (p.dependencies or [ ]);
                };
              }) lock.package
            );
        };
    };
}
