import * as z from "zod";
import { splitWords } from "./service-words.js";
import { formsError } from "./service-forms.js";

const EMPTY_MESSAGE = "the command is empty: give at least the program to run";

/**
 * A command as argv: a list, or one string split into words with shell quoting rules
 * (never run through a shell). Numbers in a list become text. allowEmpty: "" and [] are
 * accepted (an entrypoint cleared).
 */
function argvSchema(allowEmpty: boolean) {
  return z.union(
    [
      z
        .array(z.union([z.string(), z.number()]).transform((word) => String(word)))
        .refine((words) => allowEmpty || words.length > 0, EMPTY_MESSAGE)
        .transform((words): readonly string[] => words),
      z.string().transform((text, ctx): readonly string[] => {
        const result = splitWords(text);
        if (!result.ok) {
          ctx.addIssue({ code: "custom", message: result.message, input: text, continue: true });
          return [];
        }
        if (result.words.length === 0 && !allowEmpty) ctx.addIssue({ code: "custom", message: EMPTY_MESSAGE, input: text, continue: true });
        return result.words;
      }),
    ],
    { error: formsError('expected a command: a list like [python, -u, app.py], or a string like "python -u app.py"') },
  );
}

const WORDS_RULE =
  "a list like [python, -u, app.py], or a string split into words like a shell would (\"a b\" and 'a b' are one word), " +
  'but never run by a shell: no $VARIABLES, pipes or redirections; use [sh, -c, "..."] for those';

export const commandSchema = argvSchema(false).describe(`A command: ${WORDS_RULE}.`);

export const entrypointSchema = argvSchema(true).describe(
  `The program the command is passed to, replacing the image's ENTRYPOINT: ${WORDS_RULE}. "" or [] clears it.`,
);
