import { api, qs } from '../../shared/api';

export interface Area {
  code: string;
  name: string;
  level: string;
  kind: string | null;
  parentCode: string | null;
  residents: number;
  staff: number;
  hasChildren: boolean;
}

export interface Person {
  id: number;
  name: string;
  sex: 'M' | 'F';
  /** the decade of birth (1980): the date is part of the ID number, revealed with it */
  birthDecade: number;
  idMasked: string;
  phoneMasked: string | null;
  address: string | null;
  areaCode: string;
  areaName: string | null;
  householdNo?: string | null;
  bedridden?: boolean;
  elderlyAlone?: boolean;
  disabled?: boolean;
  workUnit?: string;
  partyMember?: boolean;
  unitHead?: boolean;
  role?: string;
  actions: string[];
}
export type PersonKind = 'residents' | 'staff';
export interface Pii {
  idNumber: string;
  phone: string | null;
  birthDate: string;
}

export interface ImportJob {
  id: string;
  kind: string;
  filename: string;
  status: 'running' | 'done' | 'failed';
  totalBytes: number;
  readBytes: number;
  rowsRead: number;
  imported: number;
  updated: number;
  rejected: number;
  failure: string | null;
}
export interface Rejection {
  rowNo: number;
  field: string;
  reason: string;
  message: string;
}

export const registryApi = {
  root: () => api.get<Area>('/registry/areas/root'),
  children: (code: string) => api.get<{ area: Area; children: Area[] }>(`/registry/areas/${code}/children`),
  /** areas inside the account's by a part of their name, each with the names above it */
  searchAreas: (q: string) => api.get<(Omit<Area, 'residents' | 'staff' | 'hasChildren'> & { path: string[] })[]>(`/registry/areas/search${qs({ q })}`),
  people: (kind: PersonKind, p: { area?: string; q?: string; cursor?: string | null; limit?: number }) =>
    api.get<{ items: Person[]; nextCursor: string | null }>(`/registry/${kind}${qs({ area: p.area, q: p.q, cursor: p.cursor, limit: p.limit })}`),
  person: (kind: PersonKind, id: number | string) => api.get<Person & { household: Person[] }>(`/registry/${kind}/${id}`),
  pii: (kind: PersonKind, id: number | string) => api.post<Pii>(`/registry/${kind}/${id}/pii`),
  startImport: (kind: PersonKind, file: File, id: string) => api.upload<ImportJob>(`/registry/imports${qs({ kind, id })}`, file),
  importJob: (id: string) => api.get<ImportJob>(`/registry/imports/${id}`),
  rejections: (id: string) => api.get<Rejection[]>(`/registry/imports/${id}/rejections?limit=500`),
  exportUrl: (list: 'residents' | 'staff' | 'areas', p: { area?: string; format: string; full?: boolean }) =>
    `/api/v1/registry/export/${list}${qs({ area: p.area, format: p.format, full: p.full || undefined })}`,
  reportUrl: (id: string) => `/api/v1/registry/imports/${id}/report?format=xlsx`,
};
