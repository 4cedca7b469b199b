#!/usr/bin/env node
// Thin launcher: the CLI itself is compiled TypeScript in dist/.
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(1);
});
