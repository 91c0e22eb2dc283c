export class OciStore { static async open(_l: string, _o: unknown): Promise<never> { throw new Error('todo'); } }
