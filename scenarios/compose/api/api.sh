#!/bin/sh
# A stand-in API: answers one line per connection on port 8080.
exec /bin/busybox nc -ll -p 8080 -e /bin/busybox echo '{"status": "ok"}'
