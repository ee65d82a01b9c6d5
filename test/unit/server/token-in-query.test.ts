import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loggedPath } from "../../../src/server/logged-path.js";
import { tokenInQuery } from "../../../src/server/tokens.js";

describe("tokens in a URL", () => {
  it("finds a credential-named parameter (any case) or any slw_ token, naming only what is safe to show", () => {
    assert.equal(tokenInQuery("/api/v1/status?token=abc"), "?token=");
    assert.equal(tokenInQuery("/api/v1/status?limit=2&Access_Token=abc"), "?access_token=");
    assert.equal(tokenInQuery("/api/v1/status?t=slw_abc"), "its query");
    assert.equal(tokenInQuery("/api/v1/status?slw_abc"), "its query", "a token as the name is found, and not repeated");
    assert.equal(tokenInQuery("/api/v1/status"), undefined);
    assert.equal(tokenInQuery("/api/v1/pipelines?limit=5&environment=prod"), undefined);
  });

  it("logs the path only: no query, no fragment, no Docker Hub path secret", () => {
    assert.equal(loggedPath("/api/v1/status?token=slw_abc"), "/api/v1/status");
    assert.equal(loggedPath("/api/v1/status#token=slw_abc"), "/api/v1/status");
    assert.equal(loggedPath("/hooks/dockerhub/s3cr3t?x=1"), "/hooks/dockerhub/[redacted]");
    assert.equal(loggedPath("/healthz"), "/healthz");
  });
});
