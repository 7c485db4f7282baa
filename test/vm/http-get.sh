#!/bin/bash
# Usage: http-get.sh PORT PATH. Prints the body of an HTTP/1.0 GET on 127.0.0.1:PORT, whatever
# its status; fails when nothing answers. Plain bash (its /dev/tcp): under the test VM's
# emulation each node start, as the scenario's polls made them, cost two seconds of CPU.
{ exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
IFS= read -r -t 30 status <&3 && [[ $status == HTTP/* ]] || exit 1
while IFS= read -r -t 30 line <&3 && [ "$line" != $'\r' ] && [ -n "$line" ]; do :; done
cat <&3
