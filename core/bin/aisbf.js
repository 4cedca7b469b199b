#!/usr/bin/env node
// Thin launcher: the CLI itself is compiled TypeScript in dist/.
import '../dist/cli/run.js';
