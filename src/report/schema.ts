import { compiledValidator } from '../catalog/compiled.js';

interface AjvError {
  instancePath: string;
  message?: string;
}
type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** Checks a value against schemas/report.schema.json (compiled at build time); the first problem, or null. */
export async function validateReport(value: unknown): Promise<string | null> {
  const validate = await compiledValidator<Validator>('report');
  if (validate(value)) return null;
  const err = validate.errors?.[0];
  return err ? `${err.instancePath || '/'} ${err.message ?? 'is invalid'}` : 'invalid';
}
