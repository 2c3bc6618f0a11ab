/** Error codes of the media capability (see ../errors.ts). */
export const MEDIA_ERRORS = {
  MEDIA_FILE_REQUIRED: { status: 400, message: '请选择要上传的图片（表单字段 file）' },
  MEDIA_TYPE_NOT_ALLOWED: { status: 415, message: '只能上传 JPG、PNG 或 WebP 格式的图片' },
  MEDIA_TOO_LARGE: { status: 413, message: '图片不能超过 10 MB' },
  MEDIA_UNREADABLE: { status: 400, message: '图片已损坏或无法读取，请换一张' },
  MEDIA_NOT_FOUND: { status: 404, message: '找不到该图片' },
  MEDIA_UNKNOWN: { status: 400, message: '图片不存在或不是您上传的，请重新上传' },
} as const;
