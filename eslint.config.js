import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

/**
 * The layers of src/, lowest first: a module may import from its own folder and from folders of
 * a lower rank, never from one of its own rank or above (docs/development.md). Entry points
 * (cli, controller, server, web) -> application (app) -> domain -> adapters -> foundation.
 */
const LAYERS = [
  ["util"],
  ["errors"],
  ["reference", "graph"],
  ["config"],
  ["engine", "registry", "proxy", "store", "sources"],
  ["notify", "health", "images", "webhooks", "host-proxy", "policy"],
  ["builder", "runtime"],
  ["deploy", "pollers", "jobs"],
  ["autoupdate", "launcher"],
  ["app"],
  ["server"],
  ["web"],
  ["controller"],
  ["cli"],
];

const NO_SHELL_STRINGS = {
  name: "node:child_process",
  importNames: ["exec", "execSync"],
  message: "No shell strings: use execFile/spawn with an argv array.",
};

function layerRules() {
  const rank = new Map(LAYERS.flatMap((names, index) => names.map((name) => [name, index])));
  return [...rank].map(([folder, own]) => {
    const above = [...rank].filter(([other, r]) => other !== folder && r >= own).map(([other]) => other);
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            paths: [NO_SHELL_STRINGS],
            patterns: above.map((other) => ({
              group: [`**/${other}/*`, `**/${other}/**`],
              message: `src/${folder} is below src/${other}: imports point down the layers (eslint.config.js LAYERS).`,
            })),
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/**/work/**", ".state/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "Use a union or an `as const` object instead of an enum." }],
      "no-restricted-imports": ["error", { paths: [NO_SHELL_STRINGS] }],
    },
  },
  ...layerRules(),
  prettier,
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
