import { maplibregl, type MapLibreMap } from './maplibre';

/** One point the overlay draws: a filled circle with a stroke, sized in CSS pixels. */
export interface OverlayPoint {
  id: string;
  lon: number;
  lat: number;
  /** Fill colour, straight (not premultiplied) RGBA 0..1. */
  color: readonly [number, number, number, number];
  radius: number;
}

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
uniform vec2 u_viewport;
uniform float u_stroke;
in vec2 a_corner;
in vec2 a_pos;
in vec4 a_color;
in float a_radius;
out vec2 v_xy;
out vec4 v_color;
out float v_radius;
void main() {
  vec4 c = u_matrix * vec4(a_pos, 0.0, 1.0);
  float r = a_radius + u_stroke + 1.0;
  c.xy += a_corner * r * 2.0 / u_viewport * c.w;
  gl_Position = c;
  v_xy = a_corner * r;
  v_color = a_color;
  v_radius = a_radius;
}`;

const FRAGMENT = `#version 300 es
precision highp float;
uniform vec4 u_stroke_color;
uniform float u_stroke;
in vec2 v_xy;
in vec4 v_color;
in float v_radius;
out vec4 frag;
void main() {
  float d = length(v_xy);
  float outer = 1.0 - smoothstep(v_radius + u_stroke - 1.0, v_radius + u_stroke, d);
  float inner = 1.0 - smoothstep(v_radius - 1.0, v_radius, d);
  vec4 c = mix(u_stroke_color, v_color, inner);
  float a = c.a * outer;
  frag = vec4(c.rgb * a, a);
}`;

/** Per point: x, y (mercator, relative to the origin), r, g, b, a, radius. */
const STRIDE = 7;

/**
 * A MapLibre custom layer that draws a few hundred live points itself: `setPoints` uploads one
 * small buffer and asks for ONE frame — no worker round trip, no tile reload, no re-clustering.
 * The cases layer uses it for what changed since the last consolidation (see LiveLayer's overlay).
 * Positions are kept relative to an origin (in float64 on the CPU) so float32 stays exact at zoom 17.
 * Mercator only (the map's projection).
 */
export class PointsOverlay implements maplibregl.CustomLayerInterface {
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  private map: MapLibreMap | null = null;
  private gl: WebGL2RenderingContext | null = null;
  private program: WebGLProgram | null = null;
  private vao: WebGLVertexArrayObject | null = null;
  private instances: WebGLBuffer | null = null;
  private corners: WebGLBuffer | null = null;
  private uniforms: Record<'matrix' | 'viewport' | 'stroke' | 'strokeColor', WebGLUniformLocation | null> = { matrix: null, viewport: null, stroke: null, strokeColor: null };
  private points: OverlayPoint[] = [];
  private dirty = true;
  private readonly origin: { x: number; y: number };
  /** Counters (tests and benchmarks). */
  readonly stats = { uploads: 0, frames: 0 };

  constructor(
    readonly id: string,
    origin: [number, number],
    private readonly stroke: { width: number; color: readonly [number, number, number, number] },
  ) {
    const o = maplibregl.MercatorCoordinate.fromLngLat({ lng: origin[0], lat: origin[1] });
    this.origin = { x: o.x, y: o.y };
  }

  get size(): number {
    return this.points.length;
  }

  /** What is drawn now (tests). */
  get drawn(): readonly OverlayPoint[] {
    return this.points;
  }

  setPoints(points: OverlayPoint[]): void {
    this.points = points;
    this.dirty = true;
    this.map?.triggerRepaint();
  }

  /** The topmost point under a screen position (CSS px), within its radius and stroke. */
  pick(at: { x: number; y: number }): OverlayPoint | null {
    if (!this.map) return null;
    for (let i = this.points.length - 1; i >= 0; i--) {
      const p = this.points[i];
      const s = this.map.project([p.lon, p.lat]);
      if (Math.hypot(s.x - at.x, s.y - at.y) <= p.radius + this.stroke.width + 2) return p;
    }
    return null;
  }

  onAdd(map: MapLibreMap, gl: WebGL2RenderingContext): void {
    this.map = map;
    this.gl = gl;
    const compile = (type: number, src: string) => {
      const sh = gl.createShader(type)!;
      gl.shaderSource(sh, src);
      gl.compileShader(sh);
      if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`points overlay shader: ${gl.getShaderInfoLog(sh)}`);
      return sh;
    };
    const prog = gl.createProgram()!;
    gl.attachShader(prog, compile(gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(prog, compile(gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(prog);
    if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`points overlay program: ${gl.getProgramInfoLog(prog)}`);
    this.program = prog;
    this.uniforms = {
      matrix: gl.getUniformLocation(prog, 'u_matrix'),
      viewport: gl.getUniformLocation(prog, 'u_viewport'),
      stroke: gl.getUniformLocation(prog, 'u_stroke'),
      strokeColor: gl.getUniformLocation(prog, 'u_stroke_color'),
    };
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    this.corners = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.corners);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const corner = gl.getAttribLocation(prog, 'a_corner');
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
    this.instances = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.instances);
    const attr = (name: string, size: number, offset: number) => {
      const loc = gl.getAttribLocation(prog, name);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, gl.FLOAT, false, STRIDE * 4, offset * 4);
      gl.vertexAttribDivisor(loc, 1);
    };
    attr('a_pos', 2, 0);
    attr('a_color', 4, 2);
    attr('a_radius', 1, 6);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.dirty = true;
  }

  onRemove(_map: MapLibreMap, gl: WebGL2RenderingContext): void {
    if (this.program) gl.deleteProgram(this.program);
    if (this.vao) gl.deleteVertexArray(this.vao);
    if (this.instances) gl.deleteBuffer(this.instances);
    if (this.corners) gl.deleteBuffer(this.corners);
    this.program = this.vao = this.instances = this.corners = null;
    this.map = this.gl = null;
  }

  render(gl: WebGL2RenderingContext | WebGLRenderingContext, args: maplibregl.CustomRenderMethodInput): void {
    if (!this.points.length || !this.program || !(gl instanceof WebGL2RenderingContext)) return;
    if (this.dirty) this.upload(gl);
    const m = args.defaultProjectionData.mainMatrix as ArrayLike<number>;
    // mainMatrix · translate(origin), in float64: positions are then small offsets from the origin.
    const { x: ox, y: oy } = this.origin;
    const mat = Float32Array.from(m);
    for (let r = 0; r < 4; r++) mat[12 + r] = m[r] * ox + m[4 + r] * oy + m[12 + r];
    const canvas = gl.canvas as HTMLCanvasElement;
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(this.uniforms.matrix, false, mat);
    gl.uniform2f(this.uniforms.viewport, canvas.clientWidth || canvas.width, canvas.clientHeight || canvas.height);
    gl.uniform1f(this.uniforms.stroke, this.stroke.width);
    gl.uniform4f(this.uniforms.strokeColor, ...(this.stroke.color as [number, number, number, number]));
    gl.disable(gl.DEPTH_TEST);
    gl.disable(gl.STENCIL_TEST);
    gl.disable(gl.CULL_FACE);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.bindVertexArray(this.vao);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.points.length);
    gl.bindVertexArray(null);
    this.stats.frames++;
  }

  private upload(gl: WebGL2RenderingContext): void {
    const data = new Float32Array(this.points.length * STRIDE);
    this.points.forEach((p, i) => {
      const m = maplibregl.MercatorCoordinate.fromLngLat({ lng: p.lon, lat: p.lat });
      data.set([m.x - this.origin.x, m.y - this.origin.y, ...p.color, p.radius], i * STRIDE);
    });
    gl.bindBuffer(gl.ARRAY_BUFFER, this.instances);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.dirty = false;
    this.stats.uploads++;
  }
}

/** '#rrggbb' or 'rgba(r,g,b,a)' → RGBA 0..1 (the palettes use both). */
export function parseColor(css: string, alpha = 1): [number, number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255, alpha];
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(css);
  if (rgb) return [Number(rgb[1]) / 255, Number(rgb[2]) / 255, Number(rgb[3]) / 255, (rgb[4] === undefined ? 1 : Number(rgb[4])) * alpha];
  throw new Error(`points overlay: unsupported colour ${css}`);
}
