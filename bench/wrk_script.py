"""Turn a wl-hook capture document (sign --format json) into a wrk Lua script that POSTs exactly
that body with exactly those headers.

    python3 bench/wrk_script.py CAPTURE.json > post.lua
"""
import json
import sys


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


doc = json.loads(open(sys.argv[1]).readline())
print('wrk.method = "POST"')
print("wrk.body = " + lua_string(doc["body"]))
for name, value in doc["headers"]:
    print("wrk.headers[" + lua_string(name) + "] = " + lua_string(value))
