import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { splitWords } from "../../../src/config/service-words.js";

function words(text: string): readonly string[] {
  const result = splitWords(text);
  assert.ok(result.ok, `expected "${text}" to split, got: ${result.ok ? "" : result.message}`);
  return result.words;
}

function failure(text: string): string {
  const result = splitWords(text);
  assert.ok(!result.ok, `expected "${text}" to be refused, got ${JSON.stringify(result.ok ? result.words : [])}`);
  return result.message;
}

test("whitespace separates words, however much of it", () => {
  assert.deepEqual(words("httpd -f  -p\t8080\n-h /www"), ["httpd", "-f", "-p", "8080", "-h", "/www"]);
  assert.deepEqual(words("   "), []);
  assert.deepEqual(words(""), []);
});

test("single quotes keep everything literally, including backslashes and double quotes", () => {
  assert.deepEqual(words(`echo 'a  b' 'c\\d' '"q"'`), ["echo", "a  b", "c\\d", '"q"']);
});

test('double quotes keep spaces and let a backslash escape only $ ` " \\ and newline', () => {
  assert.deepEqual(words(`echo "a  b" "x\\"y" "back\\\\slash" "keep\\n" "\\$HOME"`), ["echo", "a  b", 'x"y', "back\\slash", "keep\\n", "$HOME"]);
});

test("an unquoted backslash escapes the next character; backslash-newline joins lines", () => {
  assert.deepEqual(words("a\\ b c\\'d"), ["a b", "c'd"]);
  assert.deepEqual(words("one \\\ntwo"), ["one", "two"]);
});

test("quoted and unquoted parts next to each other form one word; empty quotes are an empty word", () => {
  assert.deepEqual(words(`--name="my app"x 'a'"b"c ""`), ["--name=my appx", "abc", ""]);
});

test("nothing is expanded: variables, globs and tildes pass through as written", () => {
  assert.deepEqual(words("echo $HOME ${USER} *.txt ~/x"), ["echo", "$HOME", "${USER}", "*.txt", "~/x"]);
});

test("an unbalanced quote is refused with where it opened", () => {
  assert.match(failure(`echo "unclosed`), /quote " at character 6 is never closed/);
  assert.match(failure(`echo 'unclosed`), /quote ' at character 6 is never closed/);
  assert.match(failure(`echo "a\\"`), /never closed/);
});

test("a trailing lone backslash is refused", () => {
  assert.match(failure("echo \\"), /lone backslash/);
});

test("unquoted shell operators are refused, because no shell will run them", () => {
  for (const text of ["a | b", "a && b", "a; b", "a > out", "a < in", "(a)", "echo `id`"]) {
    assert.match(failure(text), /shell operator.*\[sh, -c/, text);
  }
  assert.deepEqual(words(`sh -c "a | b && c > d"`), ["sh", "-c", "a | b && c > d"]);
  assert.deepEqual(words("a '|' \\;"), ["a", "|", ";"]);
});

test("a # starting a word would be a comment in a shell and is refused; inside a word it is literal", () => {
  assert.match(failure("run # comment"), /comment/);
  assert.deepEqual(words("color=#fff a#b '#x'"), ["color=#fff", "a#b", "#x"]);
});

test("any words, each single-quoted the way a shell user would, split back into exactly those words", () => {
  const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 6 }), (list) => {
      const result = splitWords(list.map(quote).join(" "));
      assert.deepEqual(result, { ok: true, words: list });
    }),
  );
});
