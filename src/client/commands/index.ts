// Every command the CLI has. A new one is a module exporting `add…Command(program)` and one line here.
import type { Command } from 'commander';
import { addHealthCheckCommand } from './health-check.js';
import { addJobControlCommands, addStartCommand } from './job-control.js';
import { addListCommand } from './list.js';
import { addSettingsCommand } from './settings.js';
import { addStatusCommand } from './status.js';
import { addUserCommands } from './user.js';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  addUserCommands,
  addStartCommand,
  addSettingsCommand,
  addJobControlCommands,
  addStatusCommand,
  addListCommand,
  addHealthCheckCommand,
];
