#!/bin/sh
# PID 1 ignores SIGTERM unless it handles it, and busybox httpd does not: without this trap a
# `docker stop` waits its whole grace period (10 s) and every rollout's stop step with it.
httpd -f -p 8080 -h /www &
trap 'kill $!; exit 0' TERM
wait
