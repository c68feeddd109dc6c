// A random manifest per seed that uses every job kind of the language: create (text, image, one- and
// two-image effects, speech), frames, extend, restyle, fusion, transition, lipsync, upscale; then-chains
// and the reference rule (name, name.0, name.N, {job, frame}), matrices, vars, assets and file paths,
// offPeak modes, and post steps. Only jobs without an effect on the output file names are generated.
import { stringify } from 'yaml';
import { rng } from './rng.mjs';

const ASSETS = { hero: 'hero.png', cup: 'cup.jpg', kitchen: 'kitchen.png', tall: 'tall.webp', clip: 'clip.mp4', long: 'long.mp4', voice: 'voice.wav', jingle: 'jingle.mp3' };
const IMAGES = ['hero', 'cup', 'kitchen', 'tall'];
const ONE_IMAGE_EFFECTS = ['Cinematic Zoom', 'Snow Globe', 'Earth Zoom', 'Venom Transformation', 'Muscle Surge', 'Balloon Float'];
const TWO_IMAGE_EFFECTS = ['Warm Hug', 'Kiss Kiss'];
const VOICES = ['Emma', 'Emily', 'James', 'Oliver', 'Sophia'];
const RESTYLES = ['anime', 'clay', 'comic', 'cyberpunk', '3d_animation', 'watercolor'];
const STYLES = ['anime', '3d_animation', 'clay', 'comic', 'cyberpunk'];
const SUBJECTS = ['a lighthouse at dusk', 'a paper boat in the rain', 'an espresso machine', 'a fox in the snow', 'a neon street'];
const KINDS = ['text', 'image', 'effect1', 'effect2', 'speech', 'frames', 'extend', 'restyle', 'fusion', 'transition', 'lipsync', 'upscale', 'matrix'];

/**
 * Returns { yaml, assets (file names to copy), kinds (what was generated) } for a seed.
 * `jobs` bounds the number of top-level jobs.
 */
export function generateManifest(seed, { minJobs = 3, maxJobs = 7 } = {}) {
  const r = rng(seed, 'manifest');
  const usedAssets = new Set();
  const files = new Set();
  const kinds = new Set();
  /** Refs that give a video: { ref, upscaled } (a then-chain adds name.0 … name.N and the bare name). */
  const videos = [];
  const asset = (name) => {
    files.add(ASSETS[name]);
    // Sometimes by file path instead of asset name: the reference rule's third form.
    if (r.chance(0.2)) return `./assets/${ASSETS[name]}`;
    usedAssets.add(name);
    return name;
  };
  const imageRef = (slot) => {
    const fromJob = videos.filter((v) => !v.upscaled);
    if (fromJob.length > 0 && r.chance(0.35)) {
      const v = r.pick(fromJob);
      return r.chance(0.3) ? { job: v.ref, frame: r.pick(['first', 'last']) } : v.ref;
    }
    return asset(slot === 'any' ? r.pick(IMAGES) : slot);
  };
  const videoRef = ({ allowAsset = true, allowUpscaled = false } = {}) => {
    const candidates = videos.filter((v) => allowUpscaled || !v.upscaled);
    if (candidates.length > 0 && (!allowAsset || r.chance(0.8))) return r.pick(candidates).ref;
    return allowAsset ? asset(r.pick(['clip', 'long'])) : undefined;
  };
  const prompt = () => `${r.pick(['Slow dolly-in on', 'Aerial shot of', 'Close-up of', 'Handheld pan across'])} \${subject}, take ${r.int(1, 99)}`;

  const doc = { version: 1, name: `soak-${seed}` };
  const defaults = { quality: r.chance(0.8) ? '360p' : '540p', duration: 5 };
  if (r.chance(0.5)) defaults.model = r.pick(['v5']); // the one model of today that serves every generated kind
  if (r.chance(0.3)) defaults.offPeak = r.pick(['always', 'auto']);
  if (r.chance(0.3)) defaults.seed = r.int(1, 2_000_000_000);
  doc.defaults = defaults;
  doc.vars = { subject: r.pick(SUBJECTS) };
  const jobs = {};
  const count = r.int(minJobs, maxJobs);
  // Every kind turns up across seeds; a seed takes a random handful, with create jobs first so later
  // jobs have something to refer to.
  const order = ['text', ...r.sample(KINDS, count - 1)];
  order.forEach((kind, i) => {
    const name = `${kind}${i}`;
    const job = {};
    let producesVideo = true;
    let upscaled = false;
    kinds.add(kind);
    switch (kind) {
      case 'text':
        job.prompt = prompt();
        if (r.chance(0.3)) job.aspect = r.pick(['16:9', '9:16', '1:1', '4:3', '3:4']);
        if (r.chance(0.3)) job.style = r.pick(STYLES);
        if (r.chance(0.2)) Object.assign(job, { motion: 'fast', model: 'v4.5' });
        if (r.chance(0.2)) job.sound = 'waves and distant gulls';
        break;
      case 'image':
        job.image = imageRef('any');
        job.prompt = prompt();
        break;
      case 'effect1':
        job.effect = r.pick(ONE_IMAGE_EFFECTS);
        job.image = imageRef('any');
        job.quality = '360p';
        break;
      case 'effect2':
        job.effect = r.pick(TWO_IMAGE_EFFECTS);
        job.image = imageRef('hero');
        job.lastImage = imageRef('cup');
        job.quality = '360p';
        break;
      case 'speech':
        job.prompt = prompt();
        job.speech = { text: 'Good morning, this is a test', voice: r.pick(VOICES) };
        break;
      case 'frames':
        job.frames = { first: imageRef('hero'), last: imageRef('cup') };
        job.prompt = prompt();
        break;
      case 'extend':
        job.extend = videoRef();
        job.prompt = 'The camera keeps moving';
        break;
      case 'restyle':
        job.restyle = videoRef();
        job.style = r.pick(STYLES); // the job's style is inherited by extend steps, which take STYLES only
        break;
      case 'fusion': {
        const labels = r.sample(['subject', 'background', 'poster'], r.int(1, 3));
        job.fusion = { images: Object.fromEntries(labels.map((l) => [l, imageRef('any')])) };
        job.prompt = labels.map((l) => `@${l}`).join(' beside ') + ' in the morning light';
        break;
      }
      case 'transition': {
        const n = r.int(2, 4);
        job.transition = Array.from({ length: n }, () => imageRef('any'));
        if (r.chance(0.5)) job.durations = Array.from({ length: n - 1 }, () => 5);
        if (r.chance(0.5)) job.prompts = Array.from({ length: n - 1 }, (_, k) => `Segment ${k + 1} dissolves`);
        else job.prompt = 'A smooth morph';
        break;
      }
      case 'lipsync': {
        const video = videoRef();
        job.lipsync = r.chance(0.5) ? { video, text: 'Meet your new morning ritual', voice: r.pick(VOICES) } : { video, audio: asset(r.pick(['voice', 'jingle'])) };
        if (job.lipsync.audio && r.chance(0.5)) job.lipsync.keepOriginalSound = true;
        break;
      }
      case 'upscale': {
        const source = videoRef({ allowAsset: false });
        if (source === undefined) return;
        job.upscale = source;
        upscaled = true;
        break;
      }
      case 'matrix': {
        job.prompt = `\${subject} on a turntable, \${style} style`;
        job.matrix = { style: r.sample(STYLES, r.int(1, 2)), seed: r.sample([1, 2, 3], r.int(1, 2)) };
        producesVideo = false;
        for (const style of job.matrix.style) for (const s of job.matrix.seed) videos.push({ ref: `${name}[style=${style},seed=${s}]`, upscaled: false });
        break;
      }
    }
    if (r.chance(0.15)) job.offPeak = r.pick(['never', 'always', 'auto']);
    if (kind === 'upscale') delete job.offPeak; // upscale has no off-peak mode (a warning)
    // then-chains on jobs whose output is a plain video.
    if (producesVideo && !upscaled && r.chance(0.35)) {
      const steps = [];
      for (let s = r.int(1, 3); s > 0; s--) {
        const step = r.pick(['extend', 'lipsync', 'restyle']);
        if (step === 'extend') steps.push({ extend: { prompt: 'and then the light changes' } });
        if (step === 'lipsync') steps.push({ lipsync: r.chance(0.5) ? { text: 'Hello there', voice: r.pick(VOICES) } : { audio: asset('voice') } });
        if (step === 'restyle') steps.push({ restyle: { style: r.pick(RESTYLES) } });
      }
      const withUpscale = r.chance(0.3);
      if (withUpscale) steps.push({ upscale: {} });
      job.then = steps;
      kinds.add('then');
      videos.push({ ref: `${name}.0`, upscaled });
      steps.forEach((_, k) => videos.push({ ref: `${name}.${k + 1}`, upscaled: withUpscale && k === steps.length - 1 }));
      videos.push({ ref: name, upscaled: withUpscale });
    } else if (producesVideo) {
      videos.push({ ref: name, upscaled });
    }
    jobs[name] = job;
  });
  doc.jobs = jobs;
  if (usedAssets.size > 0) doc.assets = Object.fromEntries([...usedAssets].sort().map((a) => [a, `./assets/${ASSETS[a]}`]));
  const post = [];
  const plain = videos.filter((v) => !v.upscaled).map((v) => v.ref);
  if (plain.length >= 2 && r.chance(0.3)) post.push({ concat: r.sample(plain, r.int(2, Math.min(3, plain.length))), output: 'teaser.mp4' });
  if (r.chance(0.3)) post.push({ contactSheet: 'all', output: 'sheet.png' });
  if (post.length > 0) {
    doc.post = post;
    kinds.add('post');
  }
  return { yaml: stringify(doc), assets: [...files], kinds: [...kinds] };
}
