export { environmentLookup, environmentTag, type EnvironmentLookup, type EnvironmentsConfig } from "./environment-tag.js";
export { newestFor, newestForEnvironment, newestInRegistry, newestLocal, type NewestImage } from "./newest-image.js";
