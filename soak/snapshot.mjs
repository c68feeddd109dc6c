// What exists in a folder tree (minus excluded top-level names): path → size and mtime, to see writes.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function snapshot(dir, exclude = []) {
  const seen = new Map();
  const walk = async (path, rel) => {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && exclude.includes(e.name)) continue;
      const full = join(path, e.name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      if (e.isDirectory()) {
        seen.set(`${relPath}/`, 'dir');
        await walk(full, relPath);
      } else seen.set(relPath, `${st.size}:${st.mtimeMs}`);
    }
  };
  await walk(dir, '');
  return seen;
}

/** Paths added, changed or removed between two snapshots. */
export function diffSnapshots(before, after) {
  const changes = [];
  for (const [path, v] of after) if (!before.has(path)) changes.push(`added ${path}`);
  else if (before.get(path) !== v) changes.push(`changed ${path}`);
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes;
}
