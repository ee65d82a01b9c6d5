/**
 * What the controller's log says of a request's URL: the path only. A query string can carry
 * what must never reach a log (an API token sent as ?token=), and Docker Hub's webhook path
 * ends in its secret.
 */
export function loggedPath(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return path.replace(/^(\/hooks\/dockerhub\/)[^/]+/, "$1[redacted]");
}
