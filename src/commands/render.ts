import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender render (not built yet)',
  async run() {
    process.stderr.write('pixrender render: not built yet\n');
    return 2;
  },
};
