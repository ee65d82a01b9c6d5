/** The slipway.yml `slipway init` writes: small, commented, and valid as it stands. */
export function starterConfig(): string {
  return `# slipway.yml: what Slipway builds, tests, pushes and runs.
# Every key is described in docs/config.md; \`slipway schema\` prints the JSON Schema for editors.
# \${VAR} and \${VAR:-default} are read from the environment, then from .env beside this file.
version: 1

# Where images are pushed: host[:port][/namespace].
registry: \${SLIPWAY_REGISTRY:-localhost:5000}/my-org

# Git repositories images are built from.
sources:
  app:
    repo: https://github.com/my-org/app.git   # or a path, relative to this file
    branch: main
    # paths: [src/, Dockerfile]               # only changes here trigger builds
    # poll: 1m                                # check the branch every minute

# Images to build; each name is also its repository name.
images:
  app:
    context: "app:."                          # source:path, or a local directory (./docker/app)
    from: python:3.12-slim                    # another image above by name, or an external image
    # dockerfile: Dockerfile
    # seal: { src: app }                      # the source's files at the built commit, in ./src
    tests:
      - name: python starts
        command: [python, --version]          # a list of arguments, never a shell string

# Deployment targets, bound to branches.
# environments:
#   prod: { branches: [release] }

# Services to run from the images above (or any image), e.g.:
# services:
#   web: { image: app }

# Scheduled jobs, run in the newest image.
# jobs:
#   nightly:
#     image: app
#     schedule: "0 3 * * *"
#     command: [python, -m, app.nightly]

# Where to send notifications.
# notify:
#   - slack: \${SLACK_WEBHOOK_URL}
`;
}
