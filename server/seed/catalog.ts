/**
 * Demo content for a living Bắc Trà My: real place and agency names, synthetic events. Nothing here
 * is real operational data (README: "Data provenance").
 */

export const AGENCIES = [
  { id: 'ag-ubnd-huyen', name: 'UBND huyện Bắc Trà My', kind: 'district', unit: 'vn-2019:515' },
  { id: 'ag-ubnd-20900', name: 'UBND xã Trà My', kind: 'commune', unit: 'vn-2025:20900' },
  { id: 'ag-ubnd-20908', name: 'UBND xã Trà Liên', kind: 'commune', unit: 'vn-2025:20908' },
  { id: 'ag-ubnd-20929', name: 'UBND xã Trà Giáp', kind: 'commune', unit: 'vn-2025:20929' },
  { id: 'ag-ubnd-20923', name: 'UBND xã Trà Tân', kind: 'commune', unit: 'vn-2025:20923' },
  { id: 'ag-ubnd-20920', name: 'UBND xã Trà Đốc', kind: 'commune', unit: 'vn-2025:20920' },
  { id: 'ag-cong-an', name: 'Công an huyện Bắc Trà My', kind: 'police', unit: 'vn-2019:515' },
  { id: 'ag-ttyt', name: 'Trung tâm Y tế huyện Bắc Trà My', kind: 'health', unit: 'vn-2019:515' },
  { id: 'ag-gddt', name: 'Phòng Giáo dục và Đào tạo', kind: 'education', unit: 'vn-2019:515' },
  { id: 'ag-tnmt', name: 'Phòng Tài nguyên và Môi trường', kind: 'environment', unit: 'vn-2019:515' },
  { id: 'ag-bqlda', name: 'Ban Quản lý dự án đầu tư xây dựng huyện', kind: 'public_works', unit: 'vn-2019:515' },
  { id: 'ag-kiem-lam', name: 'Hạt Kiểm lâm Bắc Trà My', kind: 'other', unit: 'vn-2019:515' },
] as const;

/** Post-2025 commune codes, where everything live happens. */
export const COMMUNES = ['20900', '20908', '20929', '20923', '20920'] as const;

/** [id, name, group, commune, radius around the commune centre (deg)] */
export const CAMERAS = [
  ['cam-01', 'Chợ Trà My', 'market', '20900', 0.004],
  ['cam-02', 'Cầu Trà My', 'traffic', '20900', 0.006],
  ['cam-03', 'Ngã ba Quốc lộ 40B – trung tâm Trà My', 'traffic', '20900', 0.005],
  ['cam-04', 'Quốc lộ 40B – Trà Dương', 'traffic', '20900', 0.03],
  ['cam-05', 'Quốc lộ 40B – Trà Giác', 'traffic', '20923', 0.03],
  ['cam-06', 'UBND xã Trà My', 'security', '20900', 0.001],
  ['cam-07', 'UBND xã Trà Liên', 'security', '20908', 0.001],
  ['cam-08', 'UBND xã Trà Giáp', 'security', '20929', 0.001],
  ['cam-09', 'UBND xã Trà Tân', 'security', '20923', 0.001],
  ['cam-10', 'UBND xã Trà Đốc', 'security', '20920', 0.001],
  ['cam-11', 'Sông Trường – mực nước Trà Giác', 'water', '20923', 0.03],
  ['cam-12', 'Sông Trường – cầu Trà Tân', 'water', '20923', 0.01],
  ['cam-13', 'Sông Tranh – mực nước Trà Đốc', 'water', '20920', 0.02],
  ['cam-14', 'Sông Tranh – Trà Bui', 'water', '20920', 0.05],
  ['cam-15', 'Điểm sạt lở Quốc lộ 40B – Trà Ka', 'traffic', '20929', 0.04],
  ['cam-16', 'Trung tâm Y tế huyện Bắc Trà My', 'security', '20900', 0.004],
] as const;

/** [id, name, river, camera (its location too), BĐ1, BĐ2, BĐ3 in metres of stage, usual level] */
export const WATER_STATIONS = [
  ['ws-01', 'Trạm đo Sông Trường – Trà Giác', 'Sông Trường', 'cam-11', 3.5, 5.0, 6.5, 1.6],
  ['ws-02', 'Trạm đo Sông Trường – cầu Trà Tân', 'Sông Trường', 'cam-12', 4.0, 5.5, 7.0, 1.9],
  ['ws-03', 'Trạm đo Sông Tranh – Trà Đốc', 'Sông Tranh', 'cam-13', 5.0, 6.5, 8.0, 2.4],
  ['ws-04', 'Trạm đo Sông Tranh – Trà Bui', 'Sông Tranh', 'cam-14', 4.5, 6.0, 7.5, 2.1],
] as const;

/** category → [weight, responsible agency kind, titles, descriptions] ({place} is filled in). */
export const CASE_CATEGORIES: Record<string, { weight: number; agency: string; titles: string[]; descriptions: string[] }> = {
  road_damage: {
    weight: 20,
    agency: 'ag-bqlda',
    titles: ['Mặt đường hư hỏng, nhiều ổ gà', 'Đường bê tông nứt vỡ', 'Cống thoát nước ngang đường bị sập', 'Rãnh thoát nước bị lấp, nước tràn mặt đường'],
    descriptions: [
      'Đoạn đường tại {place} xuất hiện nhiều ổ gà sâu, xe máy đi lại rất nguy hiểm nhất là ban đêm.',
      'Mặt đường bê tông tại {place} nứt vỡ dài khoảng 20 m sau đợt mưa vừa qua, đề nghị kiểm tra, sửa chữa.',
      'Cống qua đường tại {place} bị sập một phần, xe tải không qua được, người dân phải đi vòng.',
    ],
  },
  landslide: {
    weight: 14,
    agency: 'ag-bqlda',
    titles: ['Sạt lở taluy dương, đất đá tràn xuống đường', 'Nguy cơ sạt lở sau nhà dân', 'Sạt lở bờ sông', 'Vết nứt trên sườn đồi'],
    descriptions: [
      'Sau mưa lớn, taluy dương tại {place} sạt lở, đất đá tràn xuống lấp một nửa mặt đường.',
      'Sườn đồi phía sau các hộ dân tại {place} xuất hiện vết nứt dài, đề nghị kiểm tra và có phương án di dời.',
      'Bờ sông tại {place} bị sạt lở, ăn sâu vào đất sản xuất của người dân.',
    ],
  },
  street_lighting: {
    weight: 10,
    agency: 'ag-ubnd',
    titles: ['Đèn đường không sáng', 'Cột đèn chiếu sáng bị nghiêng', 'Đèn chiếu sáng bật cả ban ngày'],
    descriptions: [
      'Cụm đèn chiếu sáng tại {place} không sáng nhiều ngày nay, người dân đi lại ban đêm rất khó khăn.',
      'Cột đèn tại {place} bị nghiêng sau gió lớn, có nguy cơ đổ xuống đường.',
    ],
  },
  waste_environment: {
    weight: 12,
    agency: 'ag-tnmt',
    titles: ['Rác thải tồn đọng chưa được thu gom', 'Đổ rác không đúng nơi quy định', 'Điểm tập kết rác gây ô nhiễm'],
    descriptions: [
      'Rác thải tại {place} tồn đọng nhiều ngày chưa được thu gom, bốc mùi hôi thối.',
      'Có người đổ rác, xà bần xuống suối tại {place}, đề nghị xử lý.',
    ],
  },
  water_supply: {
    weight: 10,
    agency: 'ag-ubnd',
    titles: ['Mất nước sinh hoạt kéo dài', 'Đường ống nước tự chảy bị vỡ', 'Nước sinh hoạt bị đục'],
    descriptions: [
      'Khu dân cư tại {place} bị mất nước sinh hoạt đã 3 ngày, đề nghị kiểm tra công trình nước tự chảy.',
      'Đường ống dẫn nước tại {place} bị vỡ do sạt lở, nước không về được các hộ dân.',
    ],
  },
  electricity: {
    weight: 6,
    agency: 'ag-ubnd',
    titles: ['Mất điện kéo dài', 'Dây điện võng thấp qua đường', 'Cây đổ vào đường dây điện'],
    descriptions: ['Khu vực {place} mất điện từ chiều hôm qua đến nay chưa có điện trở lại.', 'Dây điện tại {place} bị võng thấp, xe chở keo đi qua rất nguy hiểm.'],
  },
  forest: {
    weight: 6,
    agency: 'ag-kiem-lam',
    titles: ['Nghi có chặt phá rừng trái phép', 'Đốt nương lấn rừng', 'Vận chuyển gỗ không rõ nguồn gốc'],
    descriptions: ['Người dân phát hiện dấu hiệu chặt cây rừng tự nhiên tại {place}, đề nghị kiểm lâm kiểm tra.', 'Có khói lớn tại khu vực rừng gần {place}, nghi đốt nương lấn rừng.'],
  },
  public_order: {
    weight: 8,
    agency: 'ag-cong-an',
    titles: ['Tụ tập gây mất trật tự ban đêm', 'Xe chở quá tải làm hư đường', 'Khai thác cát sỏi trái phép'],
    descriptions: ['Nhóm thanh niên thường xuyên tụ tập, nổ máy xe gây ồn ào tại {place} sau 23 giờ.', 'Phát hiện khai thác cát sỏi trái phép trên sông tại {place}.'],
  },
  admin_procedure: {
    weight: 6,
    agency: 'ag-ubnd',
    titles: ['Hồ sơ trễ hẹn chưa có kết quả', 'Không tra cứu được hồ sơ trực tuyến', 'Đề nghị hướng dẫn thủ tục'],
    descriptions: ['Tôi nộp hồ sơ tại bộ phận một cửa {place} đã quá hẹn nhưng chưa nhận được kết quả, không được thông báo lý do.', 'Không tra cứu được tình trạng hồ sơ trên Cổng dịch vụ công, đề nghị hỗ trợ.'],
  },
  health: {
    weight: 4,
    agency: 'ag-ttyt',
    titles: ['Trạm y tế đóng cửa giờ hành chính', 'Thiếu thuốc tại trạm y tế', 'Đề nghị phun thuốc phòng sốt xuất huyết'],
    descriptions: ['Trạm y tế tại {place} đóng cửa trong giờ hành chính, người dân không khám được.', 'Khu dân cư {place} có nhiều ca sốt, đề nghị phun thuốc diệt muỗi.'],
  },
  education: {
    weight: 4,
    agency: 'ag-gddt',
    titles: ['Phòng học xuống cấp', 'Đường đến điểm trường bị chia cắt', 'Thiếu nhà vệ sinh tại điểm trường'],
    descriptions: ['Phòng học tại điểm trường {place} bị dột, tường nứt, không an toàn cho học sinh.', 'Đường vào điểm trường {place} bị sạt lở, học sinh phải lội suối đến lớp.'],
  },
};

export const PROCEDURES = [
  'Đăng ký khai sinh',
  'Đăng ký kết hôn',
  'Đăng ký khai tử',
  'Chứng thực bản sao từ bản chính',
  'Xác nhận tình trạng hôn nhân',
  'Đăng ký thường trú',
  'Cấp giấy chứng nhận quyền sử dụng đất lần đầu',
  'Đăng ký biến động đất đai',
  'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  'Đăng ký hộ kinh doanh',
  'Hỗ trợ nhà ở cho hộ nghèo',
  'Trợ cấp xã hội hàng tháng',
] as const;

/** Thôn names used in addresses (a mix of named and numbered villages, as in the district). */
export const VILLAGES = ['Thôn 1', 'Thôn 2', 'Thôn 3', 'Thôn 4', 'Thôn 5', 'Thôn 6', 'Thôn Dương Hoà', 'Thôn Định Yên', 'Thôn Đàn Trạch', 'Thôn Trường Đồng', 'Thôn Mậu Cà', 'Thôn Cửa Suối'];

export const INDICATORS = [
  ['ehr_coverage', 78, 96],
  ['epi_full_immunization', 82, 98],
  ['dvc_online_rate', 45, 85],
  ['dossier_on_time_rate', 88, 100],
  ['school_standard_rate', 40, 75],
] as const;
