#!/bin/sh
# A pipeline script that cron runs in the newest app1-prod image.
set -e
/opt/my-org/infra/infra/version.sh
/opt/my-org/app1/app1/report.sh
echo "did something at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
