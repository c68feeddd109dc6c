import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender models (not built yet)',
  async run() {
    process.stderr.write('pixrender models: not built yet\n');
    return 2;
  },
};
