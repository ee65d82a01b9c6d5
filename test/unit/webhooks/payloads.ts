import { createHmac } from "node:crypto";

/**
 * Webhook bodies shaped as the senders document them (GitHub, GitLab, Gitea/Forgejo, the
 * distribution registry, Docker Hub), trimmed to the fields a receiver reads plus some that
 * it must ignore. Shared by the unit and the integration tests.
 */

export const SHA_A = "bffeb74224043ba2feb48d137756c8a9331c449a";
export const SHA_B = "28e1879d029cb852e4844d9c718537df08844e03";
export const ZERO = "0000000000000000000000000000000000000000";
export const DIGEST = `sha256:${"3d".repeat(32)}`;

export function sign(secret: string, body: string | Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function githubPush(options: { ref?: string; after?: string; deleted?: boolean } = {}): string {
  const after = options.after ?? SHA_A;
  return JSON.stringify({
    ref: options.ref ?? "refs/heads/test.1",
    before: SHA_B,
    after,
    created: false,
    deleted: options.deleted ?? false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/my-org/app1/compare/${SHA_B.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [
      {
        id: after,
        tree_id: SHA_B,
        distinct: true,
        message: "Fix the thing",
        timestamp: "2024-05-01T10:00:00+02:00",
        url: `https://github.com/my-org/app1/commit/${after}`,
      },
    ],
    head_commit: { id: after, message: "Fix the thing" },
    repository: {
      id: 186853002,
      node_id: "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
      name: "app1",
      full_name: "my-org/app1",
      private: true,
      owner: { name: "my-org", login: "my-org" },
      html_url: "https://github.com/my-org/app1",
      url: "https://github.com/my-org/app1",
      git_url: "git://github.com/my-org/app1.git",
      ssh_url: "git@github.com:my-org/app1.git",
      clone_url: "https://github.com/my-org/app1.git",
      svn_url: "https://github.com/my-org/app1",
      default_branch: "main",
    },
    pusher: { name: "octocat", email: "octocat@example.com" },
    sender: { login: "octocat", id: 1 },
  });
}

export function githubPing(): string {
  return JSON.stringify({
    zen: "Design for failure.",
    hook_id: 109948940,
    hook: { type: "Repository", id: 109948940, active: true, events: ["push"] },
    repository: { full_name: "my-org/app1" },
  });
}

export function gitlabPush(options: { ref?: string; deleted?: boolean } = {}): string {
  return JSON.stringify({
    object_kind: "push",
    event_name: "push",
    before: SHA_B,
    after: options.deleted ? ZERO : SHA_A,
    ref: options.ref ?? "refs/heads/release",
    ref_protected: true,
    checkout_sha: options.deleted ? null : SHA_A,
    user_id: 4,
    user_name: "John Smith",
    user_username: "jsmith",
    project_id: 15,
    project: {
      id: 15,
      name: "Diaspora",
      web_url: "https://gitlab.example.com/mike/diaspora",
      git_ssh_url: "git@gitlab.example.com:mike/diaspora.git",
      git_http_url: "https://gitlab.example.com/mike/diaspora.git",
      namespace: "Mike",
      path_with_namespace: "mike/diaspora",
      default_branch: "master",
      ssh_url: "git@gitlab.example.com:mike/diaspora.git",
      http_url: "https://gitlab.example.com/mike/diaspora.git",
    },
    commits: [{ id: SHA_A, message: "Update Catalan translation", url: `https://gitlab.example.com/mike/diaspora/commit/${SHA_A}` }],
    total_commits_count: 1,
    repository: {
      name: "Diaspora",
      url: "git@gitlab.example.com:mike/diaspora.git",
      homepage: "https://gitlab.example.com/mike/diaspora",
      git_http_url: "https://gitlab.example.com/mike/diaspora.git",
      git_ssh_url: "git@gitlab.example.com:mike/diaspora.git",
    },
  });
}

export function giteaPush(options: { ref?: string } = {}): string {
  return JSON.stringify({
    ref: options.ref ?? "refs/heads/develop",
    before: SHA_B,
    after: SHA_A,
    compare_url: `http://localhost:3000/gitea/webhooks/compare/${SHA_B}...${SHA_A}`,
    commits: [{ id: SHA_A, message: "Webhooks Yay!", url: `http://localhost:3000/gitea/webhooks/commit/${SHA_A}` }],
    repository: {
      id: 140,
      owner: { id: 1, login: "gitea", full_name: "Gitea" },
      name: "webhooks",
      full_name: "gitea/webhooks",
      private: false,
      html_url: "http://localhost:3000/gitea/webhooks",
      ssh_url: "ssh://gitea@localhost:2222/gitea/webhooks.git",
      clone_url: "http://localhost:3000/gitea/webhooks.git",
      default_branch: "master",
    },
    pusher: { id: 1, login: "gitea" },
    sender: { id: 1, login: "gitea" },
  });
}

/** A notification envelope as distribution sends it for `docker push host/repo:tag`: layer, config and manifest. */
export function registryPush(options: { host?: string; repository?: string; tag?: string; ids?: readonly string[]; digest?: string } = {}): string {
  const host = options.host ?? "registry.example.com:5000";
  const repository = options.repository ?? "my-org/foo";
  const [layerId, manifestId] = options.ids ?? ["asdf-asdf-asdf-asdf-0", "asdf-asdf-asdf-asdf-1"];
  const request = { id: "3cc4f8f9-2d4c-4a34-9d5c-c3d5e2f1e0a1", addr: "172.17.0.1:54890", host, method: "PUT", useragent: "docker/24.0.7 go/go1.20.10" };
  const source = { addr: "registry-1:5000", instanceID: "e3e7c0b1-3d4e-4a1f-9b2c-6d8f0a1b2c3d" };
  return JSON.stringify({
    events: [
      {
        id: layerId,
        timestamp: "2024-05-01T08:23:16.1Z",
        action: "push",
        target: {
          mediaType: "application/octet-stream",
          size: 2807,
          digest: `sha256:${"ab".repeat(32)}`,
          length: 2807,
          repository,
          url: `https://${host}/v2/${repository}/blobs/sha256:${"ab".repeat(32)}`,
        },
        request,
        actor: { name: "ci" },
        source,
      },
      {
        id: manifestId,
        timestamp: "2024-05-01T08:23:16.4Z",
        action: "push",
        target: {
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          size: 528,
          digest: options.digest ?? DIGEST,
          length: 528,
          repository,
          url: `https://${host}/v2/${repository}/manifests/${options.digest ?? DIGEST}`,
          tag: options.tag ?? "qa",
        },
        request,
        actor: { name: "ci" },
        source,
      },
    ],
  });
}

export function registryPull(): string {
  return JSON.stringify({
    events: [
      {
        id: "pull-1",
        action: "pull",
        target: { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: DIGEST, repository: "my-org/foo", tag: "qa" },
        request: { host: "registry.example.com:5000", method: "GET" },
      },
    ],
  });
}

export function dockerhubPush(options: { repoName?: string; tag?: string } = {}): string {
  const repoName = options.repoName ?? "svendowideit/testhook";
  return JSON.stringify({
    callback_url: `https://registry.hub.docker.com/u/${repoName}/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/`,
    push_data: { pushed_at: 1417566161, pusher: "trustedbuilder", tag: options.tag ?? "latest" },
    repository: {
      comment_count: 0,
      date_created: 1417494799,
      description: "",
      is_official: false,
      is_private: true,
      is_trusted: true,
      name: repoName.split("/")[1] ?? repoName,
      namespace: repoName.split("/")[0] ?? "",
      owner: "svendowideit",
      repo_name: repoName,
      repo_url: `https://registry.hub.docker.com/u/${repoName}/`,
      star_count: 0,
      status: "Active",
    },
  });
}
