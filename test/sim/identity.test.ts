/** The simulator names itself and its time scale on every response, so a client pointed at it can tell. */
import { afterEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { get } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

it('every response carries x-pixrender-simulator with the time scale, errors included', async () => {
  sim = await startSimulator({ timeScale: 0.02 });
  for (const answer of [await get(sim, 'accounts'), await get(sim, 'scheduler/available'), await get(sim, 'accounts', { token: null })]) {
    expect(answer.headers.get('x-pixrender-simulator')).toBe('time-scale=0.02');
  }
});
