import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join, sep } from 'node:path';

/** Files whose change can change a server: code and JSON. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json)$/;

/** Dependencies and tool state (node_modules, .git, .cache…): large, and not the code being edited. */
function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

export interface TreeWatcher {
  close(): void;
}

/**
 * Calls `onChange` with the path of each source file changed, created or removed under `root`.
 * One non-recursive fs.watch per directory rather than `{ recursive: true }`: on Linux Node's
 * recursive watch walks the whole tree, node_modules included, one inotify watch per directory,
 * and offers no way to leave any out. Symbolic links are not followed.
 */
export function watchTree(root: string, onChange: (file: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  const unwatch = (dir: string) => {
    for (const [path, watcher] of watchers) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };
  const add = (dir: string) => {
    if (watchers.has(dir)) return;
    let watcher: FSWatcher;
    let entries: Dirent[];
    try {
      watcher = watch(dir, (event, name) => {
        if (name) changed(dir, event, name);
      });
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone again before it could be watched
    }
    watcher.on('error', () => unwatch(dir));
    watchers.set(dir, watcher);
    for (const entry of entries) if (entry.isDirectory() && !skipped(entry.name)) add(join(dir, entry.name));
  };
  const changed = (dir: string, event: string, name: string) => {
    const path = join(dir, name);
    if (SOURCE_FILE.test(name)) {
      onChange(path);
    } else if (event === 'rename' && !skipped(name)) {
      // A directory appeared (watch it, and count it as a change: it may arrive with files) or went.
      if (isDirectory(path)) {
        add(path);
        onChange(path);
      } else {
        unwatch(path);
      }
    }
  };
  add(root);
  return {
    close: () => unwatch(root),
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
