export { newestInRegistry, newestLocal, type NewestImage } from "./newest-image.js";
