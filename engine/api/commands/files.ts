import { z } from 'zod';
import { command, Empty } from './define';

/** The folders commands may read files from and write files to (docs/security.md). */
export interface FolderList {
  dataDir: string;
  /** `<dataDir>/imports`: relative paths of market.import and replay sources start here. */
  imports: string;
  /** `<dataDir>/exports`: relative paths of market.export start here. */
  exports: string;
  /** Folders the user allowed (absolute, resolved). */
  allowed: string[];
  /** Largest file an import or replay reads (bytes). */
  maxImportBytes: number;
}

export interface FileEntry {
  name: string;
  size: number;
  modifiedAt: number;
}

const FolderPath = z.string().min(1).max(1024);

export const filesCommands = {
  'files.folders.list': command<FolderList>()('The folders files may be read from (imports/, exports/, allowed) and written to (exports/, allowed).', Empty),
  'files.folders.add': command<FolderList>()(
    'Allows a folder (absolute path of an existing folder) for imports, exports and replay files. The desktop file dialogs add the folder of the file chosen.',
    z.object({ path: FolderPath }).strict(),
  ),
  'files.folders.remove': command<FolderList>()('Stops allowing a folder.', z.object({ path: FolderPath }).strict()),
  'files.limits.update': command<FolderList>()(
    'Sets the largest file an import or replay source reads (bytes; default 1 GB).',
    z.object({ maxImportBytes: z.number().int().min(1024).max(16_000_000_000) }).strict(),
  ),
  'files.list': command<FileEntry[]>()(
    "Regular files in the data directory's imports/ or exports/ folder (names relative to it), newest first.",
    z.object({ folder: z.enum(['imports', 'exports']) }).strict(),
  ),
} as const;
