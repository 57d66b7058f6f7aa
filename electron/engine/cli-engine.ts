export async function runEngineCommand(_argv: string[]): Promise<number> {
  process.stderr.write('portal-console engine: not implemented yet\n');
  return 1;
}
