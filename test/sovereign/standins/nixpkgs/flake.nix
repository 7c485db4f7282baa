# Stand-in for nixpkgs (see ../README.md): records what the generated flake asks it to build.
{
  outputs =
    { self }:
    let
      lib = import ./lib.nix;
      fake =
        kind: name: attrs:
        attrs
        // {
          standIn = kind;
          inherit name;
          outPath = "/nix/store/" + builtins.substring 0 32 (builtins.hashString "sha256" "${kind}:${name}") + "-" + name;
        };
      pkgsFor =
        system:
        let
          pkgs = {
            inherit system;
            callPackage =
              fn: args:
              let
                f = if builtins.isFunction fn then fn else import fn;
              in
              f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
            runCommand = name: env: script: fake "runCommand" name { inherit env script; };
            nodejs = fake "package" "nodejs-22" { };
            python311 = fake "package" "python3-3.11" { pythonVersion = "3.11"; };
            python312 = fake "package" "python3-3.12" { pythonVersion = "3.12"; };
            python313 = fake "package" "python3-3.13" { pythonVersion = "3.13"; };
            ffmpeg = fake "package" "ffmpeg" { version = "7.1.1"; };
            sox = fake "package" "sox" { version = "14.4.2"; };
            tesseract = fake "package" "tesseract" { version = "5.5.1"; };
            tesseract5 = fake "package" "tesseract5" { version = "5.5.1"; };
            dockerTools = {
              streamLayeredImage = args: fake "streamLayeredImage" "stream-${args.name}" { inherit args; };
              fakeNss = fake "fakeNss" "fake-nss" {
                override = args: fake "fakeNss" "fake-nss" args;
              };
            };
            importNpmLock.buildNodeModules =
              { npmRoot, nodejs, ... }:
              let
                lock = builtins.fromJSON (builtins.readFile (npmRoot + "/package-lock.json"));
              in
              fake "importNpmLock.buildNodeModules" "node-modules" {
                nodejs = nodejs.name;
                packages = lib.mapAttrsToList (path: p: {
                  inherit path;
                  version = p.version or null;
                  resolved = p.resolved or null;
                  integrity = p.integrity or null;
                }) (removeAttrs lock.packages [ "" ]);
              };
          };
        in
        pkgs;
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs [ "aarch64-linux" "x86_64-linux" ] pkgsFor;
    };
}
