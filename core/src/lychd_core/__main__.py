"""``lychd``: report the daemon version and what each extension registered."""

from __future__ import annotations

import argparse
import sys

import httpx
import platformdirs

from . import __version__, load_extensions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lychd")
    parser.add_argument("--probe", metavar="URL", help="check that URL answers (e.g. a soulstone's /health)")
    args = parser.parse_args(argv)

    print(f"lychd {__version__} (data: {platformdirs.user_data_dir('lychd')})")
    for name, context in load_extensions().items():
        caps = ", ".join(sorted(context.capabilities)) or "-"
        print(f"  {name}: {caps}")
    if args.probe:
        try:
            response = httpx.get(args.probe, timeout=5.0)
        except httpx.HTTPError as error:
            print(f"{args.probe}: {error}", file=sys.stderr)
            return 1
        print(f"{args.probe}: {response.status_code}")
        return 0 if response.is_success else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
