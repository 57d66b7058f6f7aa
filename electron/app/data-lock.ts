/** The console's data-folder lock; the module is shared with the engine, which must not import the console. */
export {
  acquireDataLock,
  DataFolderBusyError,
  LOCK_FILE,
  type AcquireOptions,
  type DataLock,
} from '../common/data-lock';
