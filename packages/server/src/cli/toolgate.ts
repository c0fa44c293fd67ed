import { runCli } from './run-cli.js';

// Entry point of the `toolgate` command (bin/toolgate.js runs the compiled copy of this file).
await runCli(process.argv);
