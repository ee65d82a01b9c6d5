#!/bin/sh
# infra: the team's framework library.
echo "infra 1.0"
