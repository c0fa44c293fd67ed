#!/usr/bin/env node
// The `toolgate` command runs the compiled CLI; `npm start` and `npm run build` produce dist/.
import '../dist/cli/toolgate.js';
