#include "backend/assistant/promptvocabulary.h"

#include <QRegularExpression>

namespace vesper::backend {
namespace {

QStringList words(const char *spaceSeparated)
{
    // '_' joins the words of one phrase: "golden_hour" is the phrase "golden hour". A hyphen splits
    // words in a prompt (PromptText), so it does here too: "close-up" is "close up".
    QStringList list = QString::fromLatin1(spaceSeparated).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (QString &phrase : list) {
        phrase.replace(QLatin1Char('_'), QLatin1Char(' '));
        phrase.replace(QLatin1Char('-'), QLatin1Char(' '));
    }
    list.removeDuplicates();
    return list;
}

/// Colours, materials, textures and sizes: a prompt naming one has given its subject a detail.
const QStringList &detailWords()
{
    static const QStringList list = words(
        "red orange yellow green blue purple violet pink brown black white grey gray silver gold golden crimson scarlet "
        "teal turquoise beige ivory navy emerald amber ochre pastel* colorful colourful monochrom* rainbow "
        "wooden wood metal* steel brass copper bronze chrome glass ceramic porcelain leather wool* woolen woollen linen "
        "silk velvet denim marble stone concrete paper plastic rust* weathered worn textured glossy matte shiny "
        "translucent transparent fur furry feather* scaled freckle* wrinkle* embroidered knitted polished "
        "young old elderly aged tiny huge giant miniature tall slender striped spotted checkered patterned ornate");
    return list;
}

const QStringList &styleWords()
{
    static const QStringList list = words(
        "photo photos photograph* photographic photoreal* realistic realism hyperreal* illustrat* painting painted "
        "watercolor* watercolour* oil_painting acrylic gouache sketch* drawing drawn ink charcoal pencil render* 3d cgi "
        "octane unreal_engine blender anime manga cartoon* comic* pixel_art vector flat_design low_poly isometric "
        "cinematic film_still editorial documentary fashion_photography vintage retro analog analogue polaroid kodak* "
        "portra fujifilm art_nouveau art_deco baroque impressionis* expressionis* surreal* minimalis* bauhaus ukiyo-e "
        "concept_art matte_painting digital_art poster collage papercut claymation stop_motion product_shot "
        "product_photography still_life style aesthetic woodcut linocut engraving lithograph risograph mural "
        "infographic screenprint stylized stylised");
    return list;
}

const QStringList &compositionWords()
{
    static const QStringList list = words(
        "close-up close_up closeup medium_shot wide_shot long_shot full_body full-length full_length head_and_shoulders "
        "headshot centered centred symmetr* rule_of_thirds off-center off_center off-centre off_centre leading_lines "
        "negative_space copy_space framed framing foreground background overhead top-down top_down flat_lay "
        "birds_eye from_above from_below diagonal composition composed cropped tight_crop fills_the_frame horizon "
        "vanishing_point panoram* establishing_shot side_view front_view profile three-quarter three_quarter "
        "layout grid triptych in_the_center in_the_centre lower_third");
    return list;
}

const QStringList &lightingWords()
{
    static const QStringList list = words(
        "lighting lit backlit backlight* sidelit side_light* rim_light* rimlight key_light fill_light soft_light "
        "hard_light natural_light window_light daylight sunlight sunlit moonlight moonlit candlelight candlelit lamplight "
        "firelight neon fluorescent golden_hour blue_hour magic_hour sunset sunrise dusk dawn twilight overcast shadow* "
        "glow* illuminat* spotlight* chiaroscuro volumetric god_rays crepuscular high_key high-key low_key low-key "
        "rembrandt butterfly_lighting softbox studio_light* diffused dappled harsh_light silhouett* luminous "
        "lens_flare light_from light_source light_and_shadow bright_light dim_light light_falls light_pours");
    return list;
}

const QStringList &cameraWords()
{
    static const QStringList list = words(
        "lens lenses aperture bokeh depth_of_field shallow_focus deep_focus shot_on shot_with camera dslr mirrorless "
        "canon nikon sony leica hasselblad iphone macro telephoto wide-angle wide_angle fisheye tilt-shift tilt_shift "
        "low_angle high_angle eye_level eye-level dutch_angle aerial drone pov point_of_view long_exposure motion_blur "
        "iso shutter anamorphic handheld tracking_shot dolly* pan pans panning zoom* crane_shot orbit* steadicam gimbal "
        "push_in pull_back whip_pan static_shot locked-off locked_off focal_length");
    return list;
}

const QStringList &moodWords()
{
    static const QStringList list = words(
        "mood* atmospher* serene calm peaceful tranquil dramatic moody cozy cosy playful whimsical mysterious eerie "
        "ominous melanchol* nostalgic dreamy dreamlike ethereal joyful cheerful happy sad somber sombre tense "
        "energetic vibrant intimate lonely hopeful romantic epic majestic gritty haunting uplifting quiet contemplative "
        "lively festive spooky feel feeling vibe* tone wistful brooding triumphant cheeky bold confident");
    return list;
}

const QStringList &aspectWords()
{
    static const QStringList list = words(
        "aspect_ratio aspect square vertical horizontal landscape_format portrait_format widescreen panoramic "
        "landscape_orientation portrait_orientation banner");
    return list;
}

const QStringList &motionWords()
{
    static const QStringList list = words(
        "moves moving motion walks walking runs running flying flies turns turning falls falling drifts drifting "
        "flowing flows slow_motion slow-motion timelapse time-lapse time_lapse spins spinning dances dancing waves waving "
        "rises rising blows blowing sways swaying ripples rippling glides gliding swirls swirling climbs climbing "
        "jumps jumping rolls rolling slowly gently accelerat* loop looping");
    return list;
}

const QStringList &referenceWords()
{
    static const QStringList list = words(
        "reference same keep keeping preserve preserving unchanged based_on from_the_image like_the_image match* "
        "identical consistent retain retaining as_in_the_image change_only only_change");
    return list;
}

bool hasLensOrAperture(const QString &joined)
{
    static const QRegularExpression pattern(QStringLiteral(R"( \d{2,3} ?mm | f/\d)"));
    return pattern.match(joined).hasMatch();
}

bool hasRatio(const QString &joined)
{
    static const QRegularExpression pattern(QStringLiteral(R"( \d{1,2}:\d{1,2} )"));
    return pattern.match(joined).hasMatch();
}

} // namespace

const QStringList &aspectVocabulary(PromptAspect aspect)
{
    switch (aspect) {
    case PromptAspect::Subject: return detailWords();
    case PromptAspect::Style: return styleWords();
    case PromptAspect::Composition: return compositionWords();
    case PromptAspect::Lighting: return lightingWords();
    case PromptAspect::Camera: return cameraWords();
    case PromptAspect::Mood: return moodWords();
    case PromptAspect::Aspect: return aspectWords();
    case PromptAspect::Motion: return motionWords();
    case PromptAspect::Reference: return referenceWords();
    }
    return detailWords();
}

bool mentionsAspect(const PromptText &text, PromptAspect aspect)
{
    switch (aspect) {
    case PromptAspect::Subject:
        // A subject with a dozen words, or a long line in a script without spaces, has its detail.
        return text.wordCount() >= 12 || text.letterCount() >= 80 || text.hasAny(detailWords());
    case PromptAspect::Camera:
        return text.hasAny(cameraWords()) || hasLensOrAperture(text.joined());
    case PromptAspect::Aspect:
        return text.hasAny(aspectWords()) || hasRatio(text.joined());
    default:
        return text.hasAny(aspectVocabulary(aspect));
    }
}

} // namespace vesper::backend
