/**
 * Hosts bucketed by free cpu and free memory on a log2 scale, per zone: cell (i, j) holds the
 * hosts whose free cpu has bit length i and free memory bit length j. A request of bit lengths
 * (bc, bm) can only fit in cells i ≥ bc, j ≥ bm — and surely fits where both are greater — so
 * hosts nearly full in either resource are never looked at. Cells are visited tightest first
 * (by i + j, then i), which makes the search best fit to within a factor of two per resource,
 * at a cost that depends on the number of cells (a few hundred), not of hosts. Each cell is
 * kept in host id order, so ties go to the lowest id.
 */
export class FitGrid {
  private readonly cpuCells: number;
  private readonly memCells: number;
  private readonly cells: number[][] = [];
  /** Ordinal → its cell, or -1 when it is not in the grid. */
  private readonly cellOf: number[] = [];

  private readonly freeCpu: readonly number[];
  private readonly freeMem: readonly number[];

  /** `freeCpu`/`freeMem` are the owner's arrays (by ordinal), read live by {@link find}. */
  constructor(options: {
    zones: number;
    freeCpu: readonly number[];
    freeMem: readonly number[];
    maxCpu: number;
    maxMem: number;
  }) {
    this.freeCpu = options.freeCpu;
    this.freeMem = options.freeMem;
    this.cpuCells = bitLength(options.maxCpu) + 1;
    this.memCells = bitLength(options.maxMem) + 1;
    const count = options.zones * this.cpuCells * this.memCells;
    for (let i = 0; i < count; i++) this.cells.push([]);
    for (let i = 0; i < options.freeCpu.length; i++) {
      this.cellOf.push(-1);
    }
  }

  /** File a host under its free cpu and memory (moving it if it was filed before). */
  put(ordinal: number, zone: number, freeCpu: number, freeMem: number): void {
    const cell = this.cellIndex(
      zone,
      Math.min(bitLength(freeCpu), this.cpuCells - 1),
      Math.min(bitLength(freeMem), this.memCells - 1),
    );
    if (this.cellOf[ordinal] === cell) return;
    this.take(ordinal);
    const list = this.cells[cell]!;
    this.cellOf[ordinal] = cell;
    list.splice(lowerBound(list, ordinal), 0, ordinal);
  }

  /**
   * The first host of `zone`, tightest cell first, that fits the need and is not in `exclude`
   * (hosts already running a replica of the service); -1 if none.
   */
  find(zone: number, needCpu: number, needMem: number, exclude: ReadonlyMap<number, unknown>): number {
    const bc = bitLength(needCpu);
    const bm = bitLength(needMem);
    const maxI = this.cpuCells - 1;
    const maxJ = this.memCells - 1;
    if (bc > maxI || bm > maxJ) return -1;
    const diagonals = maxI - bc + (maxJ - bm);
    for (let d = 0; d <= diagonals; d++) {
      for (let i = bc + Math.max(0, d - (maxJ - bm)); i <= Math.min(bc + d, maxI); i++) {
        const list = this.cells[this.cellIndex(zone, i, bm + d - (i - bc))]!;
        for (let k = 0; k < list.length; k++) {
          const ordinal = list[k]!;
          if (
            this.freeCpu[ordinal]! >= needCpu &&
            this.freeMem[ordinal]! >= needMem &&
            !exclude.has(ordinal)
          ) {
            return ordinal;
          }
        }
      }
    }
    return -1;
  }

  /** Take a host out of the grid. */
  private take(ordinal: number): void {
    const cell = this.cellOf[ordinal]!;
    if (cell < 0) return;
    const list = this.cells[cell]!;
    list.splice(lowerBound(list, ordinal), 1);
    this.cellOf[ordinal] = -1;
  }

  private cellIndex(zone: number, i: number, j: number): number {
    return (zone * this.cpuCells + i) * this.memCells + j;
  }
}

/** 0 for 0, else 1 + floor(log2(x)). */
function bitLength(x: number): number {
  return x <= 0 ? 0 : 32 - Math.clz32(Math.min(x, 0x7fffffff));
}

/** Index of the first element ≥ `value` in an ascending list. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
