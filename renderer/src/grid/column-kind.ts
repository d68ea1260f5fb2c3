/** DuckDB types shown right-aligned (numbers line up on their last digit). */
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

/** A column of instants, shown in the chosen zone (naive TIMESTAMPs have no zone to change). */
export function isInstantType(type: string): boolean {
  return type === 'TIMESTAMP WITH TIME ZONE';
}
