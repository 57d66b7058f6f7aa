export async function runWebCommand(_argv: string[]): Promise<number> {
  process.stderr.write('portal-console web: not implemented yet\n');
  return 1;
}
