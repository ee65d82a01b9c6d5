#!/usr/bin/env node
import { stopQuietlyWhenOutputCloses } from "../dist/src/cli/closed-output.js";
import { main } from "../dist/src/cli/main.js";

stopQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
