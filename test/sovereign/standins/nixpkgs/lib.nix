# The few nixpkgs `lib` functions the generated flake uses, written for the stand-in.
rec {
  genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
  mapAttrsToList = f: set: map (name: f name set.${name}) (builtins.attrNames set);
  concatStrings = builtins.concatStringsSep "";
  escapeShellArg = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  # Overlays applied left to right, each seeing the result of the ones before it.
  composeManyExtensions =
    extensions: final: prev:
    builtins.foldl' (acc: ext: acc // ext final (prev // acc)) { } extensions;
}
