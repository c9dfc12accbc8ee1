#!/usr/bin/env node
// Kept tiny: the real entry is the compiled CLI, loaded only after Node is up.
import '../dist/cli.js';
