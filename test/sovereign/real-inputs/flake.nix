# Loads the synthesized workspace with the real uv2nix (opt-in test, see real-inputs.test.ts).
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/d407951447dcd00442e97087bf374aad70c04cea";
  inputs.pyproject-nix = { url = "github:pyproject-nix/pyproject.nix/7af23cfe91064865ecf2e835da28b45b3c6f49fd"; inputs.nixpkgs.follows = "nixpkgs"; };
  inputs.uv2nix = { url = "github:pyproject-nix/uv2nix/49dac8d206c42175b069b7c6050ba27060a21106"; inputs.nixpkgs.follows = "nixpkgs"; inputs.pyproject-nix.follows = "pyproject-nix"; };
  outputs = { self, nixpkgs, pyproject-nix, uv2nix }:
    let
      workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = ./. + "/forge/synthesis/python"; };
      lock = uv2nix.lib.lock1.parseLock (nixpkgs.lib.importTOML ./forge/synthesis/python/uv.lock);
      local = builtins.filter uv2nix.lib.lock1.isLocalPackage lock.package;
      projects = uv2nix.lib.lock1.getLocalProjects { inherit lock; localPackages = local; workspaceRoot = ./. + "/forge/synthesis/python"; };
    in {
      check = {
        depsDefault = workspace.deps.default;
        depsAll = workspace.deps.all;
        requiresPython = workspace.requires-python;
        localProjects = builtins.mapAttrs (n: p: { name = p.pyproject.project.name; scripts = p.pyproject.project.scripts or {}; root = toString p.projectRoot; }) projects;
        overlayIsFunction = builtins.isFunction (workspace.mkPyprojectOverlay { sourcePreference = "wheel"; });
      };
    };
}
