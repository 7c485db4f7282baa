/**
 * The flake's inputs, each pinned to one exact revision (uv2nix's own lock pins the nixpkgs and
 * pyproject.nix revisions it is tested with). Changing a revision changes flake.nix, so the
 * user's Nix re-locks; the Synthesis Manifest then records the new flake.lock.
 */
export interface FlakeInput {
  /** The input's name in flake.nix. */
  name: string;
  owner: string;
  repo: string;
  rev: string;
  /** Inputs of this input that follow ours, so one nixpkgs is evaluated. */
  follows: string[];
}

export const FLAKE_INPUTS: readonly FlakeInput[] = [
  { name: 'nixpkgs', owner: 'NixOS', repo: 'nixpkgs', rev: 'd407951447dcd00442e97087bf374aad70c04cea', follows: [] },
  {
    name: 'pyproject-nix',
    owner: 'pyproject-nix',
    repo: 'pyproject.nix',
    rev: '7af23cfe91064865ecf2e835da28b45b3c6f49fd',
    follows: ['nixpkgs'],
  },
  {
    name: 'uv2nix',
    owner: 'pyproject-nix',
    repo: 'uv2nix',
    rev: '49dac8d206c42175b069b7c6050ba27060a21106',
    follows: ['nixpkgs', 'pyproject-nix'],
  },
  {
    name: 'pyproject-build-systems',
    owner: 'pyproject-nix',
    repo: 'build-system-pkgs',
    rev: '90ffdeee1a4929b231913df067448cd9803d3e07',
    follows: ['nixpkgs', 'pyproject-nix', 'uv2nix'],
  },
];
