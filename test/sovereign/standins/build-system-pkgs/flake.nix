# Stand-in for pyproject-nix/build-system-pkgs (see ../README.md).
{
  outputs =
    { self }:
    {
      overlays.wheel = final: prev: { buildSystems = "wheel"; };
    };
}
