import { test } from "node:test";
import assert from "node:assert/strict";
import { parseNextLink } from "../../../src/registry/link-header.js";

const PAGE = "http://127.0.0.1:5000/v2/_catalog?n=2";

test("a relative next link resolves against the page it came with", () => {
  assert.equal(parseNextLink('</v2/_catalog?last=b&n=2>; rel="next"', PAGE), "http://127.0.0.1:5000/v2/_catalog?last=b&n=2");
});

test("an absolute link, an unquoted rel, and rel among several links and values", () => {
  assert.equal(parseNextLink("<https://r.example/v2/a/tags/list?last=x>; rel=next", PAGE), "https://r.example/v2/a/tags/list?last=x");
  const header = '</v2/a/tags/list?n=2>; rel="first", </v2/a/tags/list?last=c,d&n=2>; title="x, y"; rel="prefetch next"';
  assert.equal(parseNextLink(header, PAGE), "http://127.0.0.1:5000/v2/a/tags/list?last=c,d&n=2");
});

test("no header, no next, or a malformed header is the last page", () => {
  assert.equal(parseNextLink(null, PAGE), undefined);
  assert.equal(parseNextLink('</v2/_catalog?n=2>; rel="prev"', PAGE), undefined);
  assert.equal(parseNextLink('/v2/_catalog?last=b; rel="next"', PAGE), undefined);
});
