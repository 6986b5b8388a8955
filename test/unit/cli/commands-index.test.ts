/**
 * The command list (src/cli/commands/index.ts) names each command as its module does: the CLI
 * loads only the command named by the first argument, so a wrong name here would register
 * another command (or every one) for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_NAMES, loadCommands } from '../../../src/cli/commands/index.ts';

test('every listed name loads the command of that name, and alone', async () => {
  const all = await loadCommands();
  assert.deepEqual(
    all.map((c) => c.name),
    COMMAND_NAMES,
  );
  for (const name of COMMAND_NAMES) {
    const one = await loadCommands(name);
    assert.deepEqual(
      one.map((c) => c.name),
      [name],
    );
  }
});

test('no command, an option or an unknown name loads every command (help, suggestions)', async () => {
  for (const first of [undefined, '--help', 'help', 'rnu']) assert.equal((await loadCommands(first)).length, COMMAND_NAMES.length);
});
