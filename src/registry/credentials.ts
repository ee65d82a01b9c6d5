import type { Secret } from "../util/secret.js";

/** A username and password, as written in Slipway's config (same shape the engine adapter takes). */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: Secret;
}

/** Credentials for one registry, with where they came from (for error messages, never the password). */
export interface ResolvedCredentials extends RegistryCredentials {
  /**
   * An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token service for
   * access tokens instead of sending the password.
   */
  readonly identityToken?: Secret;
  /** Where they were read: "Slipway's config", "/root/.docker/config.json", "docker-credential-pass". */
  readonly source: string;
}

/** Helpers and Docker report an identity token with this in place of a username. */
export const IDENTITY_TOKEN_USERNAME = "<token>";

export function describeSource(credentials: RegistryCredentials | ResolvedCredentials): string {
  return "source" in credentials ? credentials.source : "the credentials given to the registry client";
}
