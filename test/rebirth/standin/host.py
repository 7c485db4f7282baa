#!/usr/bin/env python3
"""STAND-IN for podman and `systemctl --user`, which this test host does not have (the VM test,
test/vm, runs the Rebirth Gate against the real ones). It keeps image names and unit states in
$STANDIN_STATE/state.json and logs every call, so a test can interrupt the Gate at any step:

  STANDIN_KILL_AT=<text>  the first call whose command line contains <text> SIGKILLs its caller;
  STANDIN_FAIL_AT=<text>  the first such call fails (exit 125), as a failing podman or unit would;
  STANDIN_SLOW_AT=<text>  the first such call takes 5 s (a second Gate run can start meanwhile).
"""
import json
import os
import signal
import sys

prog, args = sys.argv[1], sys.argv[2:]
state_dir = os.environ["STANDIN_STATE"]
path = os.path.join(state_dir, "state.json")
state = {"tags": {}, "images": [], "running": [], "reloads": 0}
if os.path.exists(path):
    with open(path) as f:
        state = json.load(f)
line = " ".join([prog, *args])
with open(os.path.join(state_dir, "calls.log"), "a") as f:
    f.write(line + "\n")


def save():
    with open(path + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(path + ".tmp", path)


def once(variable):
    """True the first time a call matches the variable's text."""
    text = os.environ.get(variable)
    marker = os.path.join(state_dir, variable + ".done")
    if not text or text not in line or os.path.exists(marker):
        return False
    open(marker, "w").close()
    return True


if once("STANDIN_KILL_AT"):
    os.kill(os.getppid(), signal.SIGKILL)
    sys.exit(137)
if once("STANDIN_FAIL_AT"):
    sys.exit(f"Error: {line}: injected failure")
if once("STANDIN_SLOW_AT"):
    import time

    time.sleep(5)


def resolve(ref):
    if ref in state["tags"]:
        return state["tags"][ref]
    matches = [i for i in state["images"] if i.startswith(ref.removeprefix("sha256:"))]
    return matches[0] if len(matches) == 1 else None


if prog == "podman":
    if args == ["--version"]:
        print("podman version 5.4.2")
    elif args[:2] == ["secret", "exists"]:
        pass  # the units' secrets are there: the Gate's checks of them are not under test here
    elif args[:2] == ["pull", "--quiet"] and args[2].startswith("oci:"):
        layout, ref = args[2][4:].rsplit(":", 1)
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        entry = next(m for m in index["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == ref)
        with open(os.path.join(layout, "blobs", *entry["digest"].split(":"))) as f:
            image = json.load(f)["config"]["digest"].removeprefix("sha256:")
        state["images"] = sorted(set(state["images"]) | {image})
        save()
        print(image)
    elif args[:3] == ["image", "inspect", "--format"]:
        image = resolve(args[4])
        if image is None:
            sys.exit(f"Error: {args[4]}: image not known")
        print(image)
    elif args[0] == "tag":
        image = resolve(args[1])
        if image is None:
            sys.exit(f"Error: {args[1]}: image not known")
        state["tags"][args[2]] = image
        save()
    elif args[0] == "untag":
        state["tags"].pop(args[1], None)
        save()
    else:
        sys.exit(f"stand-in podman: unexpected call {line}")
elif prog == "systemctl":
    assert args[0] == "--user", line
    verb, units = args[1], [a for a in args[2:] if not a.startswith("-")]
    if verb == "show":
        print("\n\n".join(f"Id={u}\nActiveState={'active' if u in state['running'] else 'inactive'}" for u in units))
    elif verb == "daemon-reload":
        state["reloads"] += 1
        save()
    elif verb == "restart":
        state["running"] = sorted(set(state["running"]) | set(units))
        save()
    elif verb == "status":
        print("\n".join(f"{u}: stand-in status" for u in units))
    else:
        sys.exit(f"stand-in systemctl: unexpected call {line}")
