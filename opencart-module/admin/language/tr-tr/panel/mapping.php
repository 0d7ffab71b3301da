<?php
// Eklentiler > MesChain > Eşleştirmeler
$_['heading_title']        = 'MesChain Eşleştirmeleri';

// Metin
$_['text_home']            = 'Ana Sayfa';
$_['text_meschain']        = 'MesChain';
$_['text_menu_settings']   = 'Ayarlar';
$_['text_loading']         = 'Yükleniyor…';
$_['text_request_failed']  = 'İstek başarısız oldu. Sorun sürerse sayfayı yenileyip yeniden oturum açın.';
$_['text_intro']           = 'OpenCart kategorilerinizin, markalarınızın, özelliklerinizin, KDV oranlarınızın ve sipariş durumlarınızın Trendyol\'daki karşılığını MesChain\'e bildirin. Trendyol\'un kendi listelerinde aramak için seçiciye yazın.';
$_['text_unmapped_only']   = 'Yalnızca eşleştirilmemiş olanları göster';
$_['text_unmapped']        = 'eşleştirilmedi';
$_['text_default']         = 'varsayılan';
$_['text_saved']           = 'Başarılı: eşleştirme kaydedildi.';
$_['text_deleted']         = '%d eşleştirme silindi.';
$_['text_no_results']      = 'Sonuç yok!';
$_['text_source_attribute'] = 'OpenCart özelliği';
$_['text_source_option']   = 'OpenCart seçeneği';
$_['text_source_fixed']    = 'Sabit değer';

$_['text_pick_attribute_map'] = 'Değerlerini görmek ve eşleştirmek için bir özellik eşleştirmesinin numarasını (Özellikler sekmesi) girin.';
$_['text_sources']         = 'OpenCart özellikleri ve seçenekleri (yeşil: eşleştirilmiş)';

// Sekmeler
$_['tab_category']         = 'Kategoriler';
$_['tab_brand']            = 'Markalar';
$_['tab_attribute']        = 'Özellikler';
$_['tab_attribute_value']  = 'Özellik değerleri';
$_['tab_vat']              = 'KDV';
$_['tab_order_status']     = 'Sipariş durumları';

// Sütun
$_['column_opencart']      = 'OpenCart';
$_['column_trendyol']      = 'Trendyol';
$_['column_action']        = 'İşlem';

// Giriş
$_['entry_trendyol_category'] = 'Trendyol kategorilerinde ara';
$_['entry_trendyol_brand'] = 'Trendyol markalarında ara';
$_['entry_trendyol_attribute'] = 'Kategorinin özelliklerinde ara';
$_['entry_source']         = 'Değerin kaynağı';
$_['entry_source_id']      = 'OpenCart ID';
$_['entry_custom_value']   = 'Sabit değer';
$_['entry_attribute_map_id'] = 'Özellik eşleştirmesi #';
$_['entry_source_value']   = 'OpenCart değeri';
$_['entry_trendyol_value_id'] = 'Trendyol değer ID';
$_['entry_trendyol_value_name'] = 'Trendyol değer adı';

// Düğme
$_['button_save']          = 'Kaydet';
$_['button_delete']        = 'Sil';
$_['button_show']          = 'Göster';
$_['button_add']           = 'Ekle';

// Hata
$_['error_permission']     = 'Uyarı: MesChain\'i değiştirme yetkiniz yok!';
$_['error_kind']           = 'Bilinmeyen eşleştirme türü.';
$_['error_category_first'] = 'Önce bir Trendyol kategorisi seçin.';
