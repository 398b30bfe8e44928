/** What a result was measured on, and how busy the machine was meanwhile. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
  };
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export type Load = [number, number, number];

export const currentLoad = (): Load => loadavg().map((value) => Math.round(value * 100) / 100) as Load;

export const formatLoad = (load: Load): string => load.map((value) => value.toFixed(2)).join(' ');
